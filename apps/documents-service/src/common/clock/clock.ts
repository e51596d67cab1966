import { Injectable } from '@nestjs/common';

/** Port: the current time, so that tests can freeze it. */
export abstract class Clock {
  abstract now(): Date;
}

/** The system clock. */
@Injectable()
export class SystemClock extends Clock {
  now(): Date {
    return new Date();
  }
}
