import { loadRegistrations, type Registrations } from '@chain/local-tenant';
import { Injectable } from '@nestjs/common';

/** Adapter: reads the tenant registrations file (the one source of the demo users). */
@Injectable()
export class RegistrationsSource {
  load(path?: string): Registrations {
    return path === undefined ? loadRegistrations() : loadRegistrations(path);
  }
}
