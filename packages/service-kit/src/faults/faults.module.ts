import { Global, Module, type DynamicModule } from '@nestjs/common';
import type { FaultsConfig } from './faults.config';
import { Faults, FAULTS_CONFIG } from './faults.service';

@Global()
@Module({})
export class FaultsModule {
  static forRoot(config: FaultsConfig): DynamicModule {
    return { module: FaultsModule, providers: [{ provide: FAULTS_CONFIG, useValue: config }, Faults], exports: [Faults] };
  }
}
