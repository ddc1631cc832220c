import { Injectable } from '@nestjs/common';
import { AppError } from '../common/errors/app-error';
import { TelemetryRepository } from './telemetry.repository';
import type { KpiReport } from './telemetry.types';

const MAX_RANGE_MS = 366 * 86_400_000;

/** Operators' KPIs over a time range, each one aggregated by PostgreSQL from what is stored. */
@Injectable()
export class KpisService {
  constructor(private readonly repository: TelemetryRepository) {}

  async report(fromIso: string, toIso: string): Promise<KpiReport> {
    const from = new Date(fromIso);
    const to = new Date(toIso);
    if (!(from < to)) throw new AppError('VALIDATION_FAILED', 'from must be before to', [{ field: 'to' }]);
    if (to.getTime() - from.getTime() > MAX_RANGE_MS)
      throw new AppError('VALIDATION_FAILED', 'The range is at most 366 days', [{ field: 'from' }]);
    return { from: from.toISOString(), to: to.toISOString(), ...(await this.repository.kpis(from, to)) };
  }
}
