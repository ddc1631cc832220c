import type { INestApplication } from '@nestjs/common';
import type { NestExpressApplication } from '@nestjs/platform-express';
import { DocumentBuilder, SwaggerModule } from '@nestjs/swagger';
import helmet from 'helmet';
import { Logger } from 'nestjs-pino';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import type { AppConfig } from './config/app-config';
import { ArenaIoAdapter } from './realtime/arena-io.adapter';

/** Everything about the app that lives outside the module graph; shared by `main` and the tests. */
export function configureApp(app: INestApplication, config: AppConfig): NestExpressApplication {
  const express = app as NestExpressApplication;
  express.useLogger(app.get(Logger));
  express.set('trust proxy', config.trustProxy);
  express.disable('x-powered-by');
  express.use(
    helmet({
      contentSecurityPolicy: {
        directives: { 'script-src': ["'self'"], 'connect-src': ["'self'", 'ws:', 'wss:'] },
      },
    }),
  );
  express.enableCors({ origin: config.corsOrigins, credentials: true });
  express.useWebSocketAdapter(new ArenaIoAdapter(app, config));
  // The web client: public/ at the project root, from src/ (tests, watch mode) or dist/src/ (npm start).
  const webClient = [join(__dirname, '..', 'public'), join(__dirname, '..', '..', 'public')].find(existsSync);
  if (webClient) express.useStaticAssets(webClient, { index: 'index.html' });

  const openApi = new DocumentBuilder()
    .setTitle('Arena')
    .setDescription('REST API of Arena. Mutating requests accept an Idempotency-Key header.')
    .addBearerAuth()
    .build();
  SwaggerModule.setup('docs', app, () => SwaggerModule.createDocument(app, openApi));
  return express;
}
