import { completeRecord, type AuditInput } from '#shared/audit/record.ts';
import type { Logger } from '#shared/log/logger.ts';
import type { AuditRepository } from './audit.ts';
import { batchPutMarshalled, type MarshalledPut } from './batch.ts';
import type { Db } from './client.ts';
import { StoreUnavailableError } from './errors.ts';

interface Pending {
  readonly put: MarshalledPut;
  readonly requestId: string | undefined;
  readonly resolve: () => void;
  readonly reject: (err: unknown) => void;
}

const BATCH = 25;

/**
 * Writes the audit records of concurrent decisions together (BatchWriteItem, 25 a call), as a
 * database commits a group: a record that finds no write in flight is sent at once; records that
 * arrive while one is go together when it lands (or as soon as 25 wait). Each `write` resolves
 * only once its record is stored, so a decision is answered only after its audit record exists;
 * a lone decision waits for one write and no window, a busy instance for a fraction of one.
 */
export class AuditBatcher {
  private queue: Pending[] = [];
  private inFlight = 0;

  constructor(
    private readonly db: Db,
    private readonly audit: AuditRepository,
    private readonly log: Logger,
  ) {}

  /** Queues a record; resolves when it is durably written, rejects if it could not be. */
  write(input: AuditInput): Promise<void> {
    return new Promise<void>((resolve, reject) => {
      const record = completeRecord(input);
      this.queue.push({ put: { PutRequest: { Item: this.audit.attributes(record) } }, requestId: record.requestId, resolve, reject });
      if (this.inFlight === 0 || this.queue.length >= BATCH) this.flush();
    });
  }

  private flush(): void {
    while (this.queue.length) {
      this.inFlight++;
      void this.send(this.queue.splice(0, BATCH)).finally(() => {
        this.inFlight--;
        if (this.queue.length) this.flush();
      });
    }
  }

  private async send(batch: Pending[]): Promise<void> {
    let unwritten: Set<string | undefined>;
    try {
      // What DynamoDB leaves unprocessed comes back as new items: they are known by their sort key.
      const left = await batchPutMarshalled(this.db, this.db.tables.audit, batch.map((p) => p.put));
      unwritten = new Set(left.map((r) => r.PutRequest.Item.sk?.S));
    } catch (err) {
      // The batch outlives the request that opened it: name every request it held.
      this.log.error('audit batch failed', { requestIds: batch.map((p) => p.requestId), error: err instanceof Error ? err.message : String(err) });
      for (const p of batch) p.reject(err);
      return;
    }
    for (const p of batch) {
      if (unwritten.has(p.put.PutRequest.Item.sk?.S)) p.reject(new StoreUnavailableError('audit record could not be written'));
      else p.resolve();
    }
  }
}
