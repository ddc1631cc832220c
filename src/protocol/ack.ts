import type { ErrorBody } from '../common/errors/app-error';

/** Every acknowledged event answers with one of these. */
export type AckReply<T> = { ok: true; data: T } | { ok: false; error: ErrorBody };
export type Ack<T> = (reply: AckReply<T>) => void;
