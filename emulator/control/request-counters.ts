/**
 * Request counters per endpoint (e.g. `PUT /v1/webhooks/:id`) and in total, plus a bounded
 * log of recent requests (method, path, status, User-Agent) for tests that need to know who
 * called what.
 */
import type { CounterSnapshot, RequestRecord } from "../types";

/** Recent requests kept; older ones are dropped so a long benchmark cannot exhaust memory. */
const MAX_REQUEST_RECORDS = 10_000;

export class RequestLog {
  private records: RequestRecord[] = [];
  private seq = 0;

  add(record: Omit<RequestRecord, "seq">): void {
    this.records.push({ seq: ++this.seq, ...record });
    if (this.records.length > MAX_REQUEST_RECORDS)
      this.records.splice(0, this.records.length - MAX_REQUEST_RECORDS);
  }

  list(): RequestRecord[] {
    return [...this.records];
  }

  clear(): void {
    this.records = [];
  }
}

export class Counters {
  private counts = new Map<string, number>();
  private total = 0;

  hit(key: string): void {
    this.total++;
    this.counts.set(key, (this.counts.get(key) ?? 0) + 1);
  }

  snapshot(): CounterSnapshot {
    return { ...Object.fromEntries(this.counts), total: this.total };
  }

  reset(): void {
    this.counts.clear();
    this.total = 0;
  }
}
