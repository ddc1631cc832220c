import { applyDecorators } from '@nestjs/common';
import { IsInt, Max, Min } from 'class-validator';

/**
 * A sequence number (or any integer that goes to a bigint column): a safe non-negative integer. Past
 * 2^53 a JSON number is no longer exact, and past 2^63 PostgreSQL refuses it; both are VALIDATION_FAILED.
 */
export const IsSeq = (min = 0) => applyDecorators(IsInt(), Min(min), Max(Number.MAX_SAFE_INTEGER));
