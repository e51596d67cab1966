import { randomInt } from 'node:crypto';

import { ExpiringStore } from '../grants/grant-stores';
import type { UserSubject } from '../tokens/token-factory';

/** A device authorization in progress (RFC 8628 §3.2): what the device asked for, and who approved it. */
export interface DeviceCodeRecord {
  /** Tenant id of the request path (or `organizations`): the device polls the same authority. */
  readonly authority: string;
  readonly clientId: string;
  readonly scope: string;
  readonly claims?: string;
  readonly userCode: string;
  readonly expiresAtMs: number;
  /** Set once the user signed in: the tenant the tokens belong to, and the user. */
  approval?: { readonly tid: string; readonly user: UserSubject };
}

/** Entra's device codes live 15 minutes and are polled every 5 seconds (its `expires_in` / `interval`). */
export const DEVICE_CODE_LIFETIME_SECONDS = 900;
export const DEVICE_CODE_INTERVAL_SECONDS = 5;

/** Letters and digits that cannot be mistaken for one another. */
const USER_CODE_ALPHABET = 'ABCDEFGHJKLMNPQRSTUVWXYZ23456789';
const USER_CODE_LENGTH = 9;

/** The device codes, by `device_code` (what the device polls with) and by user code (what the user types). */
export class DeviceCodes {
  private readonly byDeviceCode: ExpiringStore<DeviceCodeRecord>;
  private readonly deviceCodeOf = new Map<string, string>();

  constructor(private readonly nowMs: () => number) {
    this.byDeviceCode = new ExpiringStore<DeviceCodeRecord>(nowMs);
  }

  /** Registers a new authorization; returns its device code and user code. */
  issue(request: Omit<DeviceCodeRecord, 'userCode' | 'expiresAtMs' | 'approval'>): {
    deviceCode: string;
    userCode: string;
  } {
    const userCode = newUserCode();
    const deviceCode = this.byDeviceCode.put({
      ...request,
      userCode,
      expiresAtMs: this.nowMs() + DEVICE_CODE_LIFETIME_SECONDS * 1000,
    });
    this.deviceCodeOf.set(userCode, deviceCode);
    return { deviceCode, userCode };
  }

  /** The authorization a device polls with, `expired`, or undefined. */
  get(deviceCode: string): DeviceCodeRecord | 'expired' | undefined {
    return this.byDeviceCode.get(deviceCode);
  }

  /** The pending authorization a user code names (any case, spaces and dashes ignored). */
  pending(userCode: string): { deviceCode: string; record: DeviceCodeRecord } | undefined {
    const normalized = userCode.replace(/[\s-]/g, '').toUpperCase();
    const deviceCode = this.deviceCodeOf.get(normalized);
    const record = deviceCode === undefined ? undefined : this.byDeviceCode.get(deviceCode);
    if (deviceCode === undefined || record === undefined || record === 'expired') {
      this.deviceCodeOf.delete(normalized);
      return undefined;
    }
    return record.approval === undefined ? { deviceCode, record } : undefined;
  }

  approve(deviceCode: string, tid: string, user: UserSubject): void {
    const record = this.byDeviceCode.get(deviceCode);
    if (record === undefined || record === 'expired') return;
    record.approval = { tid, user };
    this.deviceCodeOf.delete(record.userCode);
  }

  /** A device code is redeemed once. */
  delete(deviceCode: string): void {
    this.byDeviceCode.delete(deviceCode);
  }

  close(): void {
    this.byDeviceCode.close();
  }
}

function newUserCode(): string {
  let code = '';
  for (let i = 0; i < USER_CODE_LENGTH; i++) code += USER_CODE_ALPHABET[randomInt(USER_CODE_ALPHABET.length)];
  return code;
}
