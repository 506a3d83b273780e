import { chmodSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';

/** The TraceLab checkout, found through the tracing workspace. */
export const REPO_ROOT = join(dirname(require.resolve('@tracelab/tracing/package.json')), '..', '..');

/** Version of a package in the monorepo's lock, so that npm's cache (filled by `npm ci`) serves the scratch app. */
function lockedVersion(name: string): string {
  const lock = JSON.parse(readFileSync(join(REPO_ROOT, 'package-lock.json'), 'utf8')) as { packages: Record<string, { version: string }> };
  return lock.packages[`node_modules/${name}`].version;
}

/**
 * A NestJS 11 service as a user writes one, with nothing from TraceLab but the tarball: an ordinary
 * package.json and tsconfig, a controller making one outgoing fetch (to itself) and one pg query.
 */
export function writeScratchApp(dir: string): void {
  mkdirSync(join(dir, 'src'), { recursive: true });
  for (const d of [dir, join(dir, 'src')]) chmodSync(d, 0o755);
  const dependencies = Object.fromEntries(
    ['@nestjs/common', '@nestjs/core', '@nestjs/platform-express', 'pg', 'reflect-metadata', 'rxjs'].map((n) => [n, lockedVersion(n)]),
  );
  const devDependencies = Object.fromEntries(['@types/node', '@types/pg', 'typescript'].map((n) => [n, lockedVersion(n)]));
  const files: Record<string, string> = {
    'package.json': JSON.stringify(
      {
        name: 'shop-api',
        version: '1.0.0',
        private: true,
        scripts: { build: 'tsc -p tsconfig.json', start: 'node --require @tracelab/tracing/register dist/main.js' },
        dependencies,
        devDependencies,
      },
      null,
      2,
    ),
    // What `nest new` writes, minus the options that only matter to its CLI.
    'tsconfig.json': JSON.stringify({
      compilerOptions: {
        module: 'nodenext',
        moduleResolution: 'nodenext',
        target: 'ES2023',
        declaration: true,
        emitDecoratorMetadata: true,
        experimentalDecorators: true,
        outDir: './dist',
        skipLibCheck: true,
        strictNullChecks: true,
      },
      include: ['src'],
    }),
    'src/main.ts': `import 'reflect-metadata';
import { NestFactory } from '@nestjs/core';
import { traceResponse } from '@tracelab/tracing';
import { AppModule } from './app.module';

async function bootstrap() {
  const app = await NestFactory.create(AppModule);
  app.enableShutdownHooks();
  app.use(traceResponse);
  await app.listen(Number(process.env.PORT ?? 3000), '127.0.0.1');
}
void bootstrap();
`,
    'src/app.module.ts': `import { Module } from '@nestjs/common';
import { TracingModule } from '@tracelab/tracing';
import { AppController } from './app.controller';

@Module({ imports: [TracingModule], controllers: [AppController] })
export class AppModule {}
`,
    'src/app.controller.ts': `import { Controller, Get, NotFoundException, Param, type OnModuleDestroy } from '@nestjs/common';
import { Pool } from 'pg';

@Controller()
export class AppController implements OnModuleDestroy {
  private readonly pool = new Pool({ connectionString: process.env.DATABASE_URL });

  constructor() {
    this.pool.on('error', (err) => console.error('idle PostgreSQL client failed', err.message));
  }

  @Get('hello')
  async hello() {
    const upstream = await fetch(\`http://127.0.0.1:\${process.env.PORT ?? 3000}/ping\`).then((r) => r.json());
    const { rows } = await this.pool.query('SELECT count(*)::int AS n FROM pg_database WHERE datname = $1', ['postgres']);
    return { upstream, databases: rows[0].n };
  }

  @Get('ping')
  ping() {
    return { pong: true };
  }

  @Get('items/:id')
  item(@Param('id') id: string) {
    if (id === 'missing') throw new NotFoundException(\`no item \${id}\`);
    throw new TypeError(\`cannot read item \${id}\`);
  }

  async onModuleDestroy() {
    await this.pool.end();
  }
}
`,
  };
  for (const [name, text] of Object.entries(files)) writeFileSync(join(dir, name), text);
}
