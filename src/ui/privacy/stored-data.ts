/** What Candor's backend keeps, in plain words; mirrors the security FAQ in DESIGN.md. */
export const STORED_DATA: readonly { id: string; text: string }[] = [
  {
    id: 'replies',
    text: "For a reply to mail you sent with Candor: the reply's subject, the address it came from, the time it arrived, and the IP address of the mail server that delivered it (the connecting server's, not the person's device).",
  },
  {
    id: 'opens',
    text: 'For an open of mail you sent with Candor: the IP address that loaded the tracking image, the time, and whether it looks like an automatic fetch (a mail privacy proxy or security scanner) rather than a person.',
  },
];

export const STORAGE_RULES: readonly { id: string; text: string }[] = [
  {
    id: 'only-candor-mail',
    text: 'Only mail sent with Candor is tracked. Nothing else in your mailbox is stored or uploaded, and message bodies never leave your mailbox.',
  },
  {
    id: 'disconnect',
    text: 'Kept until you disconnect, and deleted then.',
  },
  {
    id: 'contract-end',
    text: "When your organization's contract ends, all of its data is deleted within 60 days.",
  },
  {
    id: 'sealed',
    text: "Sealed: the data is stored encrypted to a key that exists only in your browser, so Candor's operators cannot read it.",
  },
];
