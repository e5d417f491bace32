import nodemailer, { type Transporter } from 'nodemailer';

/** Outgoing mail over SMTP (the mail sink in the embedded stack, any SMTP relay in production). */
export interface OutgoingMessage {
  to: string;
  subject: string;
  text: string;
  html: string;
  /** Stable per message, so a resend after a crash carries the same id and mail systems can drop the copy. */
  messageId: string;
  attachments?: { filename: string; content: string; contentType: string }[];
}

export interface MailerConfig {
  smtpUrl: string;
  from: string;
}

export class Mailer {
  private readonly transport: Transporter;

  constructor(private readonly config: MailerConfig) {
    this.transport = nodemailer.createTransport(config.smtpUrl);
  }

  async send(message: OutgoingMessage): Promise<void> {
    await this.transport.sendMail({
      from: this.config.from,
      to: message.to,
      subject: message.subject,
      text: message.text,
      html: message.html,
      messageId: message.messageId,
      attachments: message.attachments,
    });
  }

  close(): void {
    this.transport.close();
  }
}
