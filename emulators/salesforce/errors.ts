/**
 * Salesforce's REST errors: a list of `{message, errorCode, fields}` with an HTTP status. In sObject Collections
 * results the same error is reported per item with `statusCode` instead of `errorCode`.
 */

export interface RestErrorBody {
  message: string;
  errorCode: string;
  fields?: string[];
}

export interface CollectionItemError {
  statusCode: string;
  message: string;
  fields: string[];
}

export class SalesforceError extends Error {
  constructor(
    readonly httpStatus: number,
    readonly errorCode: string,
    message: string,
    readonly fields?: string[],
  ) {
    super(message);
    this.name = 'SalesforceError';
  }

  toBody(): RestErrorBody[] | string[] {
    return [{ message: this.message, errorCode: this.errorCode, ...(this.fields ? { fields: this.fields } : {}) }];
  }

  toItemError(): CollectionItemError {
    return { statusCode: this.errorCode, message: this.message, fields: this.fields ?? [] };
  }
}

/**
 * An external id that matches several records: REST API guide, "Insert or Update (Upsert) a Record Using an
 * External ID": "If the value is not unique, REST API returns a 300 response with the list of matching records"
 * (their URLs; jsforce turns any 300 into `MULTIPLE_CHOICES`). In sObject Collections it is an item error.
 */
export class MultipleChoices extends SalesforceError {
  constructor(
    field: string,
    value: string,
    private readonly recordUrls: string[],
  ) {
    super(300, 'MULTIPLE_CHOICES', `More than one record found for external id field ${field} with value ${value}`);
  }

  override toBody(): string[] {
    return this.recordUrls;
  }
}

export const SalesforceErrors = {
  invalidSession: () => new SalesforceError(401, 'INVALID_SESSION_ID', 'Session expired or invalid'),
  requestLimitExceeded: () => new SalesforceError(403, 'REQUEST_LIMIT_EXCEEDED', 'TotalRequests Limit exceeded.'),
  notFound: (message = 'The requested resource does not exist') => new SalesforceError(404, 'NOT_FOUND', message),
  entityIsDeleted: () => new SalesforceError(404, 'ENTITY_IS_DELETED', 'entity is deleted'),
  /** SOQL naming an unknown object (the REST routes answer a plain 404 NOT_FOUND instead). */
  invalidType: (type: string) =>
    new SalesforceError(
      400,
      'INVALID_TYPE',
      `sObject type '${type}' is not supported. If you are attempting to use a custom object, be sure to append ` +
        `the '__c' after the entity name.`,
    ),
  invalidField: (message: string, fields?: string[]) => new SalesforceError(400, 'INVALID_FIELD', message, fields),
  malformedQuery: (message: string) => new SalesforceError(400, 'MALFORMED_QUERY', message),
  malformedId: (label: string, value: string, field: string) =>
    new SalesforceError(400, 'MALFORMED_ID', `${label}: id value of incorrect type: ${value}`, [field]),
  requiredFieldMissing: (fields: string[]) =>
    new SalesforceError(400, 'REQUIRED_FIELD_MISSING', `Required fields are missing: [${fields.join(', ')}]`, fields),
  fieldIntegrity: (message: string, fields: string[]) =>
    new SalesforceError(400, 'FIELD_INTEGRITY_EXCEPTION', message, fields),
  badPicklistValue: (label: string, value: unknown, field: string) =>
    new SalesforceError(
      400,
      'INVALID_OR_NULL_FOR_RESTRICTED_PICKLIST',
      `${label}: bad value for restricted picklist field: ${String(value)}`,
      [field],
    ),
  stringTooLong: (label: string, value: string, max: number, field: string) =>
    new SalesforceError(
      400,
      'STRING_TOO_LONG',
      `${label}: data value too large: ${value.length > 40 ? `${value.slice(0, 40)}...` : value} (max length=${max})`,
      [field],
    ),
  jsonParser: (message: string) => new SalesforceError(400, 'JSON_PARSER_ERROR', message),
  invalidCrossReference: (field: string) =>
    new SalesforceError(400, 'INVALID_CROSS_REFERENCE_KEY', 'invalid cross reference id', [field]),
};
