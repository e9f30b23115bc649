import { Module, type DynamicModule } from '@nestjs/common';
import { ProviderSimulatorModule, type SimulatorOptions } from '@deja/feature-provider-simulator';

/** Root module: the simulator feature, configured from the environment by `main.ts`. */
@Module({})
export class AppModule {
  static register(options: SimulatorOptions): DynamicModule {
    return { module: AppModule, imports: [ProviderSimulatorModule.forRoot(options)] };
  }
}
