import { describe, expect, it } from 'vitest';
import { ConfigError, readConfig } from '#shared/config.ts';

describe('query engine configuration', () => {
  it('defaults: port 5433, the embedded backend, nothing passes through, no TLS', () => {
    expect(readConfig({}).queryEngine).toEqual({ port: 5433, passThroughSchemas: [] });
  });

  it('reads the backend URL, the pass-through schemas and the TLS files', () => {
    const c = readConfig({
      WARDEN_QUERY_ENGINE_PORT: '6543',
      WARDEN_QUERY_BACKEND_URL: 'postgres://reader@db.internal:5432/warden',
      WARDEN_QUERY_PASS_THROUGH_SCHEMAS: ' public , reference ,',
      WARDEN_QUERY_TLS_CERT_FILE: '/run/cert.pem',
      WARDEN_QUERY_TLS_KEY_FILE: '/run/key.pem',
    });
    expect(c.queryEngine).toEqual({
      port: 6543,
      backendUrl: 'postgres://reader@db.internal:5432/warden',
      passThroughSchemas: ['public', 'reference'],
      tls: { certFile: '/run/cert.pem', keyFile: '/run/key.pem' },
    });
  });

  it.each([
    [{ WARDEN_QUERY_BACKEND_URL: 'mysql://db/warden' }, 'WARDEN_QUERY_BACKEND_URL'],
    [{ WARDEN_QUERY_ENGINE_PORT: '70000' }, 'WARDEN_QUERY_ENGINE_PORT'],
    [{ WARDEN_QUERY_TLS_CERT_FILE: '/run/cert.pem' }, 'set both or neither'],
  ])('refuses %o', (env, message) => {
    expect(() => readConfig(env)).toThrow(ConfigError);
    expect(() => readConfig(env)).toThrow(message);
  });
});
