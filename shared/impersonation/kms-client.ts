import { GetPublicKeyCommand, KMSClient, SignCommand } from '@aws-sdk/client-kms';
import type { Db } from '#shared/store/client.ts';
import { KmsSigner, type KmsPort } from './kms-signer.ts';
import type { TokenSigner } from './signer.ts';
import { SigningKeyStore } from './signing-keys.ts';

/** The KMS port over the AWS SDK client. */
export function kmsPort(client: KMSClient = new KMSClient({})): KmsPort {
  return {
    async signMessage(keyArn, message) {
      const res = await client.send(new SignCommand({ KeyId: keyArn, Message: message, MessageType: 'RAW', SigningAlgorithm: 'ECDSA_SHA_256' }));
      if (!res.Signature) throw new Error(`kms returned no signature for \`${keyArn}\``);
      return res.Signature;
    },
    async publicKeySpki(keyArn) {
      const res = await client.send(new GetPublicKeyCommand({ KeyId: keyArn }));
      if (!res.PublicKey) throw new Error(`kms returned no public key for \`${keyArn}\``);
      return res.PublicKey;
    },
  };
}

/**
 * The AWS signer: the KMS key named by `WARDEN_SIGNING_KEY_ARN`. Without it the function still
 * starts (health checks answer) but refuses to mint: it never falls back to a key in the table.
 */
export function kmsSignerFromEnv(db: Db, env: NodeJS.ProcessEnv = process.env): TokenSigner {
  const arn = env.WARDEN_SIGNING_KEY_ARN;
  if (arn) return new KmsSigner(kmsPort(), arn, new SigningKeyStore(db));
  const missing = async (): Promise<never> => {
    throw new Error('WARDEN_SIGNING_KEY_ARN is not set: the impersonation function signs only with KMS in AWS');
  };
  return { ready: missing, sign: missing };
}
