import { Inject, Injectable, OnApplicationBootstrap } from '@nestjs/common';
import { APP_CONFIG, type AppConfig } from '../config/app-config';
import { IdentityService } from './identity.service';

/** The first admin comes from ADMIN_USERNAME / ADMIN_PASSWORD; there is no default admin anywhere. */
@Injectable()
export class AdminBootstrap implements OnApplicationBootstrap {
  constructor(
    private readonly identity: IdentityService,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  async onApplicationBootstrap(): Promise<void> {
    if (this.config.admin) await this.identity.ensureAdmin(this.config.admin.username, this.config.admin.password);
  }
}
