/** One delivery attempt of one message to some of its recipients. */
export interface DeliveryJob {
  spoolId: string;
  seq: number;
  mailFrom: string;
  raw: Buffer;
  receivedAt: Date;
  recipients: { id: number; recipient: string }[];
  /** The journal may already record an attempt that reached the target before a crash: check before writing. */
  recovering: boolean;
}

export type RecipientResult =
  | { id: number; status: 'delivered'; detail: string }
  | { id: number; status: 'temporary' | 'permanent'; error: string };

export interface DeliveryTransport {
  readonly name: string;
  /** One result per recipient of the job. Never throws: failures are results. */
  deliver(job: DeliveryJob): Promise<RecipientResult[]>;
  /** How many jobs may run at once. */
  readonly concurrency: number;
  close(): Promise<void>;
}
