import { Module, type DynamicModule } from '@nestjs/common';

@Module({})
export class ConfigModule {
  /**
   * The service's validated configuration under `token`, visible to every module: global, as Nest's
   * own ConfigModule with `isGlobal`, because configuration is the one thing every feature reads.
   */
  static forRoot(token: symbol, config: object): DynamicModule {
    return { module: ConfigModule, global: true, providers: [{ provide: token, useValue: config }], exports: [token] };
  }
}
