import { randomBytes } from 'node:crypto';

/**
 * REDIS_URL with a REDIS_PREFIX of this test file's own (jest loads support modules once per file): files
 * running at once, and other runs on the same Redis, share no adapter channel and no throttling counter,
 * so no file counts, reaches or rate-limits another's processes. Empty when REDIS_URL is unset.
 */
export const fileRedis: { REDIS_URL: string; REDIS_PREFIX: string } | Record<string, never> = process.env.REDIS_URL
  ? { REDIS_URL: process.env.REDIS_URL, REDIS_PREFIX: `arena-test-${randomBytes(4).toString('hex')}` }
  : {};
