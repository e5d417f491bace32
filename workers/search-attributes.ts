import { type NativeConnection } from '@temporalio/worker';
import { SearchAttributeType } from '@temporalio/common';
import type { SearchAttributeKey } from '@temporalio/common/lib/search-attributes';
import { temporal } from '@temporalio/proto';
import { SEARCH_ATTRIBUTES } from '../workflows/messages';

const IndexedValueType = temporal.api.enums.v1.IndexedValueType;

const INDEXED_TYPES: Partial<Record<SearchAttributeType, temporal.api.enums.v1.IndexedValueType>> = {
  [SearchAttributeType.KEYWORD]: IndexedValueType.INDEXED_VALUE_TYPE_KEYWORD,
  [SearchAttributeType.DATETIME]: IndexedValueType.INDEXED_VALUE_TYPE_DATETIME,
  [SearchAttributeType.TEXT]: IndexedValueType.INDEXED_VALUE_TYPE_TEXT,
  [SearchAttributeType.INT]: IndexedValueType.INDEXED_VALUE_TYPE_INT,
  [SearchAttributeType.BOOL]: IndexedValueType.INDEXED_VALUE_TYPE_BOOL,
};

export function indexedValueTypes(
  keys: readonly SearchAttributeKey<SearchAttributeType>[] = SEARCH_ATTRIBUTES,
): Record<string, temporal.api.enums.v1.IndexedValueType> {
  return Object.fromEntries(keys.map((key) => [key.name, INDEXED_TYPES[key.type as SearchAttributeType]!]));
}

/**
 * Registers the search attributes on a self-hosted cluster (the dev server gets them as flags). Temporal Cloud
 * refuses this call; there an operator adds them once in the Cloud UI or with tcld, so a refusal only warns.
 */
export async function ensureSearchAttributes(
  connection: Pick<NativeConnection, 'operatorService'>,
  namespace: string,
  warn: (message: string) => void,
): Promise<void> {
  try {
    const existing = await connection.operatorService.listSearchAttributes({ namespace });
    const known = new Set(Object.keys(existing.customAttributes ?? {}));
    const missing = Object.fromEntries(Object.entries(indexedValueTypes()).filter(([name]) => !known.has(name)));
    if (Object.keys(missing).length > 0)
      await connection.operatorService.addSearchAttributes({ namespace, searchAttributes: missing });
  } catch (error) {
    warn(
      `Could not check or register search attributes (${(error as Error).message}). ` +
        `Register ${Object.keys(indexedValueTypes()).join(', ')} on the namespace, or the UI filters will not work.`,
    );
  }
}
