import { Inject, Injectable, type OnModuleInit } from '@nestjs/common';
import { ModuleRef } from '@nestjs/core';
import type { HealthIndicatorFunction } from '@nestjs/terminus';

import { PLATFORM_OPTIONS, type PlatformModuleOptions } from '../platform.options';
import { JwksHealthIndicator } from './jwks.health-indicator';
import type { ReadinessIndicator } from './readiness-indicator';

/** Collects the readiness checks: the JWKS probe plus the app's own, resolved once at boot. */
@Injectable()
export class ReadinessRegistry implements OnModuleInit {
  private indicators: ReadinessIndicator[] = [];

  constructor(
    @Inject(PLATFORM_OPTIONS) private readonly options: PlatformModuleOptions,
    private readonly moduleRef: ModuleRef,
    private readonly jwks: JwksHealthIndicator,
  ) {}

  onModuleInit(): void {
    // strict: false finds the app's provider wherever it is declared; a missing one fails the boot.
    const appChecks = (this.options.readinessChecks ?? []).map((type) =>
      this.moduleRef.get(type, { strict: false }),
    );
    this.indicators = this.options.jwksUri === undefined ? appChecks : [this.jwks, ...appChecks];
  }

  checks(): HealthIndicatorFunction[] {
    return this.indicators.map((indicator) => () => indicator.check());
  }
}
