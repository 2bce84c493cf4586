import { GetPublicKeyCommand, KMSClient, SignCommand } from '@aws-sdk/client-kms';
import type { SigningKeyRepository } from '#shared/store/signing-keys.ts';
import { KmsSigner, type KmsPort } from './kms-signer.ts';
import { refusingSigner, type TokenSigner } from './signer.ts';

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
 * The AWS signer: the KMS key `WARDEN_SIGNING_KEY_ARN` names. Without it the function still
 * starts (health checks answer) but refuses to mint: it never falls back to a key in the table.
 */
export function kmsSigner(keyArn: string | undefined): (keys: SigningKeyRepository) => TokenSigner {
  return (keys) => (keyArn ? new KmsSigner(kmsPort(), keyArn, keys) : refusingSigner('WARDEN_SIGNING_KEY_ARN'));
}
