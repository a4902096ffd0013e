import { describe, expect, it } from 'vitest';
import { ConfigError, configWarnings, loadConfig } from './config.js';
import { DEFAULT_LIMITS } from './limits.js';

describe('loadConfig: one process or many', () => {
  it('runs one process on SQLite by default', () => {
    expect(loadConfig({}).scaleOut).toBeUndefined();
  });

  it('selects many processes when DATABASE_URL and REDIS_URL are both set', () => {
    const config = loadConfig({ DATABASE_URL: 'postgres://db/chat', REDIS_URL: 'redis://cache:6379' });
    expect(config.scaleOut).toEqual({ databaseUrl: 'postgres://db/chat', redisUrl: 'redis://cache:6379', redisPrefix: 'support-chat:' });
    expect(loadConfig({ DATABASE_URL: 'postgresql://db/chat', REDIS_URL: 'rediss://cache', REDIS_PREFIX: 'shop-a:' }).scaleOut?.redisPrefix).toBe('shop-a:');
  });

  it('refuses one without the other, and says what to set', () => {
    expect(() => loadConfig({ DATABASE_URL: 'postgres://db/chat' })).toThrow(ConfigError);
    expect(() => loadConfig({ DATABASE_URL: 'postgres://db/chat' })).toThrow(/DATABASE_URL is set but REDIS_URL is not.*Set REDIS_URL.*or unset DATABASE_URL/);
    expect(() => loadConfig({ REDIS_URL: 'redis://cache' })).toThrow(/REDIS_URL is set but DATABASE_URL is not.*Set DATABASE_URL.*or unset REDIS_URL/);
    expect(() => loadConfig({ REDIS_URL: '  ', DATABASE_URL: '' }).scaleOut).not.toThrow();
  });

  it('refuses URLs of the wrong kind', () => {
    expect(() => loadConfig({ DATABASE_URL: 'mysql://db', REDIS_URL: 'redis://cache' })).toThrow(/DATABASE_URL must be a postgres/);
    expect(() => loadConfig({ DATABASE_URL: 'postgres://db', REDIS_URL: 'http://cache' })).toThrow(/REDIS_URL must be a redis/);
  });
});

describe('configWarnings', () => {
  it('says when an https PUBLIC_URL comes without TRUST_PROXY (the cookie would not be Secure)', () => {
    expect(configWarnings(loadConfig({ PUBLIC_URL: 'https://chat.shop.example' }))).toEqual([expect.stringMatching(/set TRUST_PROXY.*not marked Secure/)]);
    expect(configWarnings(loadConfig({ PUBLIC_URL: 'https://chat.shop.example', TRUST_PROXY: '1' }))).toEqual([]);
    expect(configWarnings(loadConfig({ PUBLIC_URL: 'http://localhost:3000' }))).toEqual([]);
    expect(configWarnings(loadConfig({}))).toEqual([]);
  });
});

describe('loadConfig: TRUST_PROXY', () => {
  it('takes a hop count or the proxies\' addresses, and trusts nothing by default', () => {
    expect(loadConfig({}).trustProxy).toBe(false);
    expect(loadConfig({ TRUST_PROXY: 'false' }).trustProxy).toBe(false);
    expect(loadConfig({ TRUST_PROXY: '1' }).trustProxy).toBe(1);
    expect(loadConfig({ TRUST_PROXY: 'loopback, 10.0.0.0/8' }).trustProxy).toEqual(['loopback', '10.0.0.0/8']);
  });

  it('refuses a blanket true, and says what to set instead', () => {
    expect(() => loadConfig({ TRUST_PROXY: 'true' })).toThrow(/TRUST_PROXY=true would trust any X-Forwarded-For.*number of proxies.*addresses/);
  });

  it('names an entry that is no address, subnet or name (Express would throw at start)', () => {
    expect(loadConfig({ TRUST_PROXY: '10.0.0.5, ::1, fd00::/8, 192.168.0.0/255.255.0.0, uniquelocal' }).trustProxy).toHaveLength(5);
    for (const wrong of ['yes', '2x', '10.0.0.0/40', '10.0.0.0/0', '10.0.0.0/255.0.255.0', 'fd00::/ffff::', 'loopback, proxy.example.com']) {
      expect(() => loadConfig({ TRUST_PROXY: wrong }), wrong).toThrow(/TRUST_PROXY: ".+" is not a number of proxies, an address, a subnet/);
    }
  });
});

describe('loadConfig: PORT and PUBLIC_URL', () => {
  it('takes an empty PORT as unset, and refuses a PUBLIC_URL without its scheme', () => {
    expect(loadConfig({ PORT: '' }).port).toBe(3000);
    expect(loadConfig({ PORT: ' ' }).port).toBe(3000);
    expect(loadConfig({ PORT: '0' }).port).toBe(0);
    expect(() => loadConfig({ PORT: 'http' })).toThrow(/PORT/);
    expect(loadConfig({ PUBLIC_URL: 'https://chat.example.com' }).publicUrl).toBe('https://chat.example.com');
    expect(() => loadConfig({ PUBLIC_URL: 'chat.example.com' })).toThrow(/PUBLIC_URL must be an http:\/\/ or https:\/\/ URL/);
    // `localhost:11434` parses as a URL whose scheme is `localhost:` (a developer's probe).
    expect(() => loadConfig({ OPENAI_API_KEY: 'sk-x', OPENAI_BASE_URL: 'localhost:11434' })).toThrow(/OPENAI_BASE_URL must be an http:\/\/ or https:\/\/ URL/);
    expect(loadConfig({ OPENAI_API_KEY: 'sk-x', OPENAI_BASE_URL: 'http://localhost:11434/v1' }).openai?.baseURL).toBe('http://localhost:11434/v1');
  });
});

describe('loadConfig: flood and login limits', () => {
  it('defaults every limit, takes each from its variable, and refuses what is not a whole number ≥ 1', () => {
    expect(loadConfig({}).limits).toEqual(DEFAULT_LIMITS);
    const limits = loadConfig({ LIMIT_OPEN_SOCKETS_PER_ADDRESS: '2000', LIMIT_LOGIN_FAILURES_PER_ADDRESS: '100' }).limits;
    expect(limits).toMatchObject({ openSocketsPerAddress: 2000, loginFailuresPerAddress: 100, loginFailuresPerAccount: DEFAULT_LIMITS.loginFailuresPerAccount });
    expect(() => loadConfig({ LIMIT_CONVERSATIONS_PER_ADDRESS_PER_HOUR: '0' })).toThrow(/LIMIT_CONVERSATIONS_PER_ADDRESS_PER_HOUR/);
    expect(() => loadConfig({ LIMIT_CONNECTIONS_PER_ADDRESS_PER_MINUTE: 'lots' })).toThrow(/LIMIT_CONNECTIONS_PER_ADDRESS_PER_MINUTE/);
  });
});

describe('loadConfig: ALLOWED_ORIGINS', () => {
  it('is open by default and takes a list of origins, written as browsers send them', () => {
    expect(loadConfig({}).allowedOrigins).toBe('*');
    expect(loadConfig({ ALLOWED_ORIGINS: 'https://Shop.example.com/, http://localhost:8080' }).allowedOrigins).toEqual([
      'https://shop.example.com',
      'http://localhost:8080',
    ]);
  });

  it('refuses what is not an origin, and says what it wants', () => {
    expect(() => loadConfig({ ALLOWED_ORIGINS: 'shop.example.com' })).toThrow(/ALLOWED_ORIGINS must list origins.*not: shop\.example\.com/);
    expect(() => loadConfig({ ALLOWED_ORIGINS: 'https://shop.example.com/chat' })).toThrow(/no path/);
  });
});

describe('loadConfig: email (issue 13)', () => {
  const base = { PUBLIC_URL: 'https://chat.example.com', MAIL_FROM: 'Support <support@example.com>' };

  it('is off without an SMTP server, and takes a URL or the parts', () => {
    expect(loadConfig({}).email).toBeUndefined();
    expect(loadConfig({ ...base, SMTP_URL: 'smtps://u:p@smtp.example.com', MAIL_TEAM: 'a@example.com, b@example.com' }).email).toEqual({
      smtp: { url: 'smtps://u:p@smtp.example.com', secure: false },
      from: 'Support <support@example.com>',
      team: ['a@example.com', 'b@example.com'],
      awayMs: 600_000,
      linkUrl: 'https://chat.example.com',
      linkTtlMs: 72 * 3_600_000,
    });
    const parts = loadConfig({ ...base, SMTP_HOST: 'smtp.example.com', SMTP_PORT: '465', SMTP_USER: 'u', SMTP_PASS: 'p', SMTP_SECURE: 'true', MAIL_AWAY_MINUTES: '2', MAIL_LINK_URL: 'https://shop.example.com/help' }).email;
    expect(parts).toMatchObject({ smtp: { host: 'smtp.example.com', port: 465, user: 'u', pass: 'p', secure: true }, team: [], awayMs: 120_000, linkUrl: 'https://shop.example.com/help' });
  });

  it('says what is missing or wrong', () => {
    expect(() => loadConfig({ SMTP_URL: 'smtp://smtp.example.com', PUBLIC_URL: 'https://chat.example.com' })).toThrow(/needs MAIL_FROM/);
    expect(() => loadConfig({ SMTP_URL: 'smtp://smtp.example.com', MAIL_FROM: 'a@example.com' })).toThrow(/needs PUBLIC_URL/);
    expect(() => loadConfig({ ...base, SMTP_URL: 'http://smtp.example.com' })).toThrow(/SMTP_URL must be an smtp/);
    expect(() => loadConfig({ ...base, SMTP_URL: 'smtp://a', SMTP_HOST: 'b' })).toThrow(/not both/);
    expect(() => loadConfig({ ...base, SMTP_URL: 'smtp://a', MAIL_TEAM: 'team@example.com,oops' })).toThrow(/MAIL_TEAM must list email addresses.*not: oops/);
    expect(() => loadConfig({ MAIL_TEAM: 'team@example.com' })).toThrow(/MAIL_TEAM is set but no SMTP server/);
    // A developer's probe: these were taken and ignored while MAIL_FROM alone was refused.
    expect(() => loadConfig({ SMTP_PORT: '587', MAIL_LINK_URL: 'https://shop.example.com/help' })).toThrow(/MAIL_LINK_URL, SMTP_PORT are set but no SMTP server/);
    expect(loadConfig({ MAIL_TEAM: ' , ' }).email).toBeUndefined(); // names no one: not set
    expect(loadConfig({ ...base, SMTP_URL: 'smtp://a', MAIL_LINK_TTL_HOURS: '0' }).email?.linkTtlMs).toBe(0); // links without a key
    expect(() => loadConfig({ ...base, SMTP_URL: 'smtp://a', MAIL_LINK_URL: 'shop.example.com/help' })).toThrow(/MAIL_LINK_URL must be an http:\/\/ or https:\/\/ URL/);
  });
});

describe('loadConfig: the offline answer thresholds', () => {
  it('defaults to the responder\'s, takes each language\'s from its variable, and refuses what is not 0–1', () => {
    expect(loadConfig({}).answerThresholds).toEqual({ en: 0.4, zh: 0.55 });
    expect(loadConfig({ OFFLINE_ANSWER_MIN_CONFIDENCE: '0.3', OFFLINE_ANSWER_MIN_CONFIDENCE_ZH: '0.6' }).answerThresholds).toEqual({ en: 0.3, zh: 0.6 });
    expect(() => loadConfig({ OFFLINE_ANSWER_MIN_CONFIDENCE: '1.5' })).toThrow(/OFFLINE_ANSWER_MIN_CONFIDENCE/);
    expect(() => loadConfig({ OFFLINE_ANSWER_MIN_CONFIDENCE_ZH: 'high' })).toThrow(/OFFLINE_ANSWER_MIN_CONFIDENCE_ZH/);
  });
});
