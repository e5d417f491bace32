// lightning/uiRecordApi stand-in (the platform's Lightning Data Service): getRecord reads the record's fields through
// the preview server (POST /apex/uiRecordApi.getRecord), in the shape Lightning Data Service gives
// ({ id, fields: { Name: { value } } }); notifyRecordUpdateAvailable reads it again for every wire showing it.
import { callApex } from '../apex.js';

const connected = new Set();

export class getRecord {
  constructor(dataCallback) {
    this.dataCallback = dataCallback;
    this.config = undefined;
  }
  connect() {
    connected.add(this);
  }
  disconnect() {
    connected.delete(this);
  }
  update(config) {
    this.config = config;
    this.read();
  }
  read() {
    const { recordId, fields = [] } = this.config ?? {};
    if (!recordId) return Promise.resolve();
    return callApex('uiRecordApi.getRecord', { recordId, fields: fields.map((f) => f.fieldApiName) }).then(
      (data) => this.dataCallback({ data, error: undefined }),
      (error) => this.dataCallback({ data: undefined, error }),
    );
  }
}

export function getFieldValue(record, field) {
  return record?.fields?.[field.fieldApiName]?.value;
}

export function notifyRecordUpdateAvailable(items) {
  const ids = new Set((items ?? []).map((item) => item.recordId));
  return Promise.all([...connected].filter((wire) => ids.has(wire.config?.recordId)).map((wire) => wire.read()));
}
