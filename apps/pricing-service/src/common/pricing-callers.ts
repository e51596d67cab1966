import { AllowedCallers } from '@chain/auth';
import type { Type } from '@nestjs/common';

/**
 * Declares the caller allow-list on the pricing controllers. The list is deployment configuration
 * (`PRICING_ALLOWED_CALLERS`), known only once the environment is parsed, whereas decorators run when
 * the class is defined; so the same `@AllowedCallers()` decorator is applied here, at module creation.
 */
export function allowCallers(clientIds: readonly string[], controllers: readonly Type<unknown>[]): void {
  for (const controller of controllers) AllowedCallers(...clientIds)(controller);
}
