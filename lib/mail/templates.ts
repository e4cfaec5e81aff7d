import "server-only";
import { renderFrame, type EmailFrame } from "./layout";

/**
 * Every email the product sends, in one place. None carries a message body, a reason for a visit,
 * a specialty or a file: only that something is waiting, from whom, and a link that asks to sign in.
 * (A body in an email leaves the protected system; this is the health-portal convention.)
 */

export interface RenderedEmail {
  subject: string;
  text: string;
  html: string;
}

/** Links every notification's footer carries. */
export interface NotificationLinks {
  settingsUrl: string;
  unsubscribeUrl: string;
  /** What the unsubscribe link turns off, in words: "message emails", "appointment emails". */
  unsubscribeWhat: string;
}

function notification(
  subject: string,
  body: Omit<EmailFrame, "subject" | "footer">,
  links: NotificationLinks,
): RenderedEmail {
  return {
    subject,
    ...renderFrame({
      subject,
      ...body,
      footer: [
        "You get this email because you have an account at Carebridge. For your privacy it never contains what was written: sign in to read it.",
        `Choose which emails you get: ${links.settingsUrl}`,
        `Stop ${links.unsubscribeWhat} with one click: ${links.unsubscribeUrl}`,
      ],
    }),
  };
}

function account(subject: string, body: Omit<EmailFrame, "subject" | "footer">, note: string): RenderedEmail {
  return {
    subject,
    ...renderFrame({ subject, ...body, footer: [note, "Carebridge never asks for your password by email."] }),
  };
}

const hello = (name: string) => `Hello ${name},`;

export const templates = {
  newMessage(input: { recipientName: string; senderName: string; threadUrl: string; links: NotificationLinks }) {
    return notification(
      `New secure message from ${input.senderName}`,
      {
        paragraphs: [
          hello(input.recipientName),
          `You have a new secure message from ${input.senderName} in Carebridge.`,
        ],
        button: { label: "Read it in Carebridge", url: input.threadUrl },
      },
      input.links,
    );
  },

  messageDigest(input: {
    recipientName: string;
    senders: { name: string; unread: number }[];
    url: string;
    links: NotificationLinks;
  }) {
    const total = input.senders.reduce((n, s) => n + s.unread, 0);
    return notification(
      `You have ${total} unread secure ${total === 1 ? "message" : "messages"} in Carebridge`,
      {
        paragraphs: [
          hello(input.recipientName),
          `You have ${total} unread secure ${total === 1 ? "message" : "messages"} in Carebridge:`,
          ...input.senders.map((s) => `${s.unread} from ${s.name}`),
        ],
        button: { label: "Read them in Carebridge", url: input.url },
      },
      input.links,
    );
  },

  appointmentRequested(input: {
    recipientName: string;
    patientName: string;
    when: string;
    url: string;
    links: NotificationLinks;
  }) {
    return notification(
      `New appointment request from ${input.patientName}`,
      {
        paragraphs: [hello(input.recipientName), `${input.patientName} asked for an appointment on ${input.when}.`],
        button: { label: "See the request", url: input.url },
      },
      input.links,
    );
  },

  appointmentAccepted(input: {
    recipientName: string;
    doctorName: string;
    when: string;
    chatUrl: string;
    links: NotificationLinks;
  }) {
    return notification(
      `${input.doctorName} accepted your appointment`,
      {
        paragraphs: [
          hello(input.recipientName),
          `${input.doctorName} accepted your appointment on ${input.when}. A private conversation with your doctor is open in Carebridge.`,
          "The calendar file attached adds the appointment to your calendar.",
        ],
        button: { label: "Open the conversation", url: input.chatUrl },
      },
      input.links,
    );
  },

  appointmentDeclined(input: {
    recipientName: string;
    doctorName: string;
    when: string;
    note: string | null;
    url: string;
    links: NotificationLinks;
  }) {
    return notification(
      `${input.doctorName} could not accept your request`,
      {
        paragraphs: [
          hello(input.recipientName),
          `${input.doctorName} could not accept your request for ${input.when}.`,
          ...(input.note ? [`Their note: ${input.note}`] : []),
          "You can choose another time or another doctor.",
        ],
        button: { label: "Find another time", url: input.url },
      },
      input.links,
    );
  },

  appointmentCancelled(input: {
    recipientName: string;
    otherName: string;
    when: string;
    by: "doctor" | "patient" | "admin";
    note: string | null;
    url: string;
    links: NotificationLinks;
  }) {
    const who = input.by === "admin" ? "The clinic" : input.otherName;
    return notification(
      `Appointment on ${input.when} cancelled`,
      {
        paragraphs: [
          hello(input.recipientName),
          input.by === "admin"
            ? `The clinic cancelled your appointment with ${input.otherName} on ${input.when}.`
            : `${who} cancelled the appointment on ${input.when}.`,
          ...(input.note ? [`${input.by === "admin" ? "The reason" : "Their note"}: ${input.note}`] : []),
        ],
        button: { label: "See your appointments", url: input.url },
      },
      input.links,
    );
  },

  appointmentExpired(input: {
    recipientName: string;
    doctorName: string;
    when: string;
    url: string;
    links: NotificationLinks;
  }) {
    return notification(
      `Your request for ${input.when} was not answered in time`,
      {
        paragraphs: [
          hello(input.recipientName),
          `${input.doctorName} did not answer your request for ${input.when} before that time came. You can ask for another time.`,
        ],
        button: { label: "Find another time", url: input.url },
      },
      input.links,
    );
  },

  appointmentReminder(input: {
    recipientName: string;
    otherName: string;
    when: string;
    url: string;
    links: NotificationLinks;
  }) {
    return notification(
      `Reminder: appointment with ${input.otherName} tomorrow`,
      {
        paragraphs: [
          hello(input.recipientName),
          `This is a reminder of your appointment with ${input.otherName} on ${input.when}.`,
          "The calendar file attached adds it to your calendar.",
        ],
        button: { label: "Open Carebridge", url: input.url },
      },
      input.links,
    );
  },

  passwordReset(input: { recipientName: string; url: string; minutes: number }) {
    return account(
      "Reset your Carebridge password",
      {
        paragraphs: [
          hello(input.recipientName),
          `Someone asked to reset the password of your Carebridge account. The link below works once, for ${input.minutes} minutes.`,
          "If it was not you, ignore this email: your password stays as it is.",
        ],
        button: { label: "Choose a new password", url: input.url },
      },
      "You get this email because a password reset was asked for your address.",
    );
  },

  verifyEmail(input: { recipientName: string; url: string; hours: number }) {
    return account(
      "Confirm your email address for Carebridge",
      {
        paragraphs: [
          hello(input.recipientName),
          "Welcome to Carebridge. Confirm that this address is yours to start booking appointments.",
          `The link works for ${input.hours} hours.`,
        ],
        button: { label: "Confirm my email address", url: input.url },
      },
      "You get this email because someone registered at Carebridge with this address. If it was not you, ignore it.",
    );
  },

  registrationAttempt(input: { recipientName: string; resetUrl: string; signInUrl: string }) {
    return account(
      "Someone tried to register with your email address",
      {
        paragraphs: [
          hello(input.recipientName),
          "Someone tried to create a new Carebridge account with this email address, which already has an account. No second account was made.",
          `If it was you, sign in instead (${input.signInUrl}). If you forgot your password, you can reset it.`,
          "If it was not you, you can ignore this email.",
        ],
        button: { label: "Reset my password", url: input.resetUrl },
      },
      "You get this email because a registration was tried with your address.",
    );
  },
} satisfies Record<string, (input: never) => RenderedEmail>;

export type TemplateName = keyof typeof templates;
