import { toSalesforceId18 } from '../../domain/salesforce-id';

/**
 * New record ids: key prefix, then a counter, as 18-char ids. The `5E` after the prefix keeps them apart from the
 * demo org's fixed ids (`…000000000001AAA`).
 */
export class IdGenerator {
  private counter = 0;

  next(keyPrefix: string): string {
    this.counter += 1;
    return toSalesforceId18(`${keyPrefix}5E${this.counter.toString(36).toUpperCase().padStart(10, '0')}`);
  }
}
