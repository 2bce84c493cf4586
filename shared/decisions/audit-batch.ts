import { BatchWriteCommand } from '@aws-sdk/lib-dynamodb';
import { completeRecord, type AuditInput } from '#shared/audit/record.ts';
import type { AuditWriter } from '#shared/audit/writer.ts';
import type { Db } from '#shared/store/client.ts';

interface Pending {
  readonly item: Record<string, unknown>;
  readonly resolve: () => void;
  readonly reject: (err: unknown) => void;
}

const BATCH = 25;
const ATTEMPTS = 8;

/**
 * Writes the audit records of concurrent decisions together (BatchWriteItem, 25 a call).
 * Each `write` resolves only once its record is stored, so a decision is answered only after
 * its audit record exists, at a fraction of one PutItem per decision.
 */
export class AuditBatcher {
  private queue: Pending[] = [];
  private scheduled = false;

  constructor(
    private readonly db: Db,
    private readonly writer: AuditWriter,
  ) {}

  /** Queues a record; resolves when it is durably written, rejects if it could not be. */
  write(input: AuditInput): Promise<void> {
    return new Promise<void>((resolve, reject) => {
      this.queue.push({ item: this.writer.item(completeRecord(input)), resolve, reject });
      if (this.queue.length >= BATCH) this.flush();
      else if (!this.scheduled) {
        this.scheduled = true;
        // A 2 ms window lets concurrent decisions share one BatchWriteItem.
        setTimeout(() => this.flush(), 2);
      }
    });
  }

  private flush(): void {
    this.scheduled = false;
    while (this.queue.length) void this.send(this.queue.splice(0, BATCH));
  }

  private async send(batch: Pending[]): Promise<void> {
    const table = this.db.tables.audit;
    let requests = batch.map((p) => ({ PutRequest: { Item: p.item } }));
    try {
      for (let attempt = 0; requests.length && attempt < ATTEMPTS; attempt++) {
        if (attempt) await new Promise((r) => setTimeout(r, 10 * 2 ** attempt));
        const res = await this.db.doc.send(new BatchWriteCommand({ RequestItems: { [table]: requests } }));
        requests = (res.UnprocessedItems?.[table] ?? []) as typeof requests;
      }
    } catch (err) {
      for (const p of batch) p.reject(err);
      return;
    }
    const unwritten = new Set(requests.map((r) => r.PutRequest.Item.sk));
    for (const p of batch) {
      if (unwritten.has(p.item.sk)) p.reject(new Error('audit record could not be written'));
      else p.resolve();
    }
  }
}
