/**
 * The broker's configuration: development with nothing set, production requirements, and plain
 * http refused beyond loopback.
 */
import { describe, expect, it } from 'vitest';
import { assertSafeListen, loadBrokerConfig } from '../../broker/config';

const KEY = `k1:${Buffer.alloc(32, 3).toString('base64')}`;

describe('broker configuration', () => {
  it('nothing set: development on 127.0.0.1:8787 with PGlite in .broker-data and a generated key', () => {
    const config = loadBrokerConfig({});
    expect(config).toMatchObject({ host: '127.0.0.1', port: 8787, jobber: null, encryptionKeys: null, databaseUrl: null, publicUrl: null, schema: 'broker' });
    expect(config.dataDir.endsWith('.broker-data')).toBe(true);
  });

  it('production: credentials need encryption keys; one credential without the other is refused', () => {
    expect(() => loadBrokerConfig({ JOBBER_CLIENT_ID: 'id', JOBBER_CLIENT_SECRET: 'secret' })).toThrow(/BROKER_ENCRYPTION_KEYS is required/);
    expect(() => loadBrokerConfig({ JOBBER_CLIENT_ID: 'id' })).toThrow(/both JOBBER_CLIENT_ID and JOBBER_CLIENT_SECRET/);
    const config = loadBrokerConfig({
      JOBBER_CLIENT_ID: 'id',
      JOBBER_CLIENT_SECRET: 'secret',
      BROKER_ENCRYPTION_KEYS: KEY,
      DATABASE_URL: 'postgres://u:p@db/broker',
      BROKER_PUBLIC_URL: 'https://broker.example.com/',
    });
    expect(config.jobber).toMatchObject({ clientId: 'id', apiBaseUrl: 'https://api.getjobber.com' });
    expect(config.publicUrl).toBe('https://broker.example.com');
  });

  it('plain http only on loopback: another address needs an https public URL', () => {
    expect(() => loadBrokerConfig({ BROKER_HOST: '0.0.0.0' })).toThrow(/Refusing to listen on 0\.0\.0\.0 without TLS/);
    expect(() => loadBrokerConfig({ BROKER_HOST: '0.0.0.0', BROKER_PUBLIC_URL: 'http://broker.example.com' })).toThrow(/without TLS/);
    expect(loadBrokerConfig({ BROKER_HOST: '0.0.0.0', BROKER_PUBLIC_URL: 'https://broker.example.com' }).host).toBe('0.0.0.0');
    expect(() => assertSafeListen('::1', null)).not.toThrow();
  });
});
