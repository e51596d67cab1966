import { ValidateBy, type ValidationOptions } from 'class-validator';

/** Name of the {@link MaxDecimalPlaces} constraint in validation errors. */
export const MAX_DECIMAL_PLACES = 'maxDecimalPlaces';

/**
 * Whether `value` is a finite number with at most `places` decimals, judged on the number itself (its
 * value rounded to `places` decimals is itself), so that every spelling of a number gets one answer.
 */
export function hasAtMostDecimalPlaces(value: unknown, places: number): boolean {
  return typeof value === 'number' && Number.isFinite(value) && Number(value.toFixed(places)) === value;
}

/**
 * A finite number with at most `places` decimals. Use it instead of class-validator's
 * `@IsNumber({ maxDecimalPlaces })`, which throws (so the request answers 500) on a number whose shortest
 * form is exponential, such as `1e-7`: it looks for the decimals after a `.` that `"1e-7"` does not have.
 */
export function MaxDecimalPlaces(places: number, options?: ValidationOptions): PropertyDecorator {
  return ValidateBy(
    {
      name: MAX_DECIMAL_PLACES,
      constraints: [places],
      validator: {
        validate: (value: unknown) => hasAtMostDecimalPlaces(value, places),
        defaultMessage: (args) =>
          `${args?.property ?? 'value'} must be a number with at most ${places} decimal places`,
      },
    },
    options,
  );
}
