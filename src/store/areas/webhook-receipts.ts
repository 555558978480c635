// The store's webhook-receipts area (data plane): each verified vendor delivery as it arrived, appended
// before the receiver answers 2xx, so an acknowledged delivery is never lost. Receipts are facts: the
// CRM and revenue records are mapped from them (src/connectors/receipt-changes.ts), again if need be.
// Which receipts the loader (src/connectors/receipt-loader.ts) has handed on is kept beside them, one
// marker per receipt: derived bookkeeping (deleting the markers only makes the loader read again).

export interface WebhookReceipt {
  workspaceId: string;
  /** `hubspot`, `stripe`, `salesforce` or `pipedrive`. */
  vendor: string;
  /** The same for a redelivery of the same delivery (the vendor's event or message id, else a hash of the body). */
  key: string;
  /** ISO-8601 UTC, milliseconds. */
  receivedAt: string;
  contentType: string;
  /** The body exactly as received (UTF-8 text: JSON or XML). */
  body: string;
}

export interface WebhookReceiptsStore {
  /**
   * Appends a receipt, durable when the promise resolves; `duplicate` (nothing written) when a receipt
   * of the same workspace, vendor and key is stored already.
   */
  appendWebhookReceipt(receipt: WebhookReceipt): Promise<'stored' | 'duplicate'>;
  /** A workspace's receipts in the order they arrived (oldest first). */
  listWebhookReceipts(filter: {
    workspaceId: string;
    vendor?: string;
    limit?: number;
    /** Only receipts without a load marker. */
    unloaded?: boolean;
  }): Promise<WebhookReceipt[]>;
  /** Marks receipts as handed on to the facts they mean (a marker stored already stays as it is). */
  markWebhookReceiptsLoaded(
    workspaceId: string,
    vendor: string,
    keys: readonly string[],
    loadedAt: string,
  ): Promise<void>;
}
