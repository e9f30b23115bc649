'use strict';
/**
 * A day of questions to "Skybox" (a fictional cloud-storage app) support bot: each entry is one
 * question as users first ask it, then the ways other users ask the same thing later — word
 * order, synonyms, typos, casing — and how often the exact wording comes back. `traps` are
 * questions that look almost the same but need a different answer (another number, the
 * opposite action, another product): a cache that answers them from the first one is wrong.
 */
const QUESTIONS = [
  {
    q: 'How do I reset my password?',
    para: ['What is the way to reset my password?', 'how do i reset my password'],
    repeats: 2,
  },
  {
    q: 'How do I enable two-factor authentication?',
    para: ['How can I enable two-factor authentication?', 'How do I turn on two-factor authentication?'],
    repeats: 1,
    traps: ['How do I disable two-factor authentication?'],
  },
  {
    q: 'What is your refund policy?',
    para: ['What is the refund policy?', 'Can you explain your refund policy?'],
    repeats: 2,
  },
  {
    q: 'How much storage does the free plan include?',
    para: ['How much storage is included in the free plan?', 'How much storage do I get on the free plan?'],
    repeats: 1,
    traps: ['How much storage does the business plan include?'],
  },
  {
    q: 'How do I share a folder with my team?',
    para: ['How can I share a folder with my team?', 'how do I share a folder with my team members'],
    repeats: 1,
  },
  {
    q: 'Can I cancel my subscription at any time?',
    para: ['Can I cancel my subscription at any point?', 'Is it possible to cancel my subscription at any time?'],
    repeats: 1,
  },
  {
    q: 'How do I restore a deleted file?',
    para: ['How can I restore a deleted file?', 'How do I recover a deleted file?'],
    repeats: 2,
  },
  {
    q: 'How long are deleted files kept in the trash?',
    para: ['How long do deleted files stay in the trash?', 'How long are deleted files kept in trash?'],
    repeats: 1,
  },
  {
    q: 'What is the maximum file size I can upload?',
    para: ['What is the largest file size I can upload?', 'What is the max file size for uploads?'],
    repeats: 1,
  },
  {
    q: 'How do I change the email address on my account?',
    para: ['How can I change the email address on my account?', 'How do I update the email address on my account?'],
    repeats: 1,
  },
  {
    q: 'Does Skybox work on Linux?',
    para: ['Does Skybox run on Linux?', 'Is Skybox available for Linux?'],
    repeats: 1,
    traps: ['Does Skybox work on Windows?'],
  },
  {
    q: 'How do I upgrade to the Pro plan?',
    para: ['How can I upgrade to the Pro plan?', 'How do I upgrade my account to the Pro plan?'],
    repeats: 1,
    traps: ['How do I downgrade to the Pro plan?'],
  },
  { q: 'Why is my sync stuck?', para: ['Why is my sync stuck', 'why is my sync stuck?'], repeats: 2 },
  {
    q: 'How do I pause syncing on my laptop?',
    para: ['How can I pause syncing on my laptop?', 'How do I temporarily pause syncing on my laptop?'],
    repeats: 0,
    traps: ['How do I resume syncing on my laptop?'],
  },
  {
    q: 'Is my data encrypted at rest?',
    para: ['Is my data encrypted when stored?', 'Are my files encrypted at rest?'],
    repeats: 1,
  },
  {
    q: 'Where are your data centers located?',
    para: ['Where are your data centres located?', 'Where are the data centers located?'],
    repeats: 0,
  },
  {
    q: 'How do I add a payment method?',
    para: ['How can I add a payment method?', 'How do I add a new payment method?'],
    repeats: 1,
  },
  {
    q: 'Why was my card declined?',
    para: ['Why did my card get declined?', 'Why was my credit card declined?'],
    repeats: 1,
  },
  {
    q: 'How do I download my invoices?',
    para: ['How can I download my invoices?', 'Where can I download my invoices?'],
    repeats: 1,
  },
  {
    q: 'Can I get a discount for nonprofits?',
    para: ['Do you offer a discount for nonprofits?', 'Is there a discount for nonprofits?'],
    repeats: 0,
  },
  {
    q: 'How do I delete my account?',
    para: ['How can I delete my account?', 'How do I permanently delete my account?'],
    repeats: 1,
  },
  {
    q: 'How do I transfer ownership of a shared folder?',
    para: ['How can I transfer ownership of a shared folder?', 'How do I change the owner of a shared folder?'],
    repeats: 0,
  },
  {
    q: 'Can I restore a previous version of a file?',
    para: ['Can I restore an earlier version of a file?', 'How do I restore a previous version of a file?'],
    repeats: 1,
  },
  {
    q: 'How many devices can I sync on the Pro plan?',
    para: ['How many devices can I sync with the Pro plan?', 'On the Pro plan, how many devices can I sync?'],
    repeats: 1,
    traps: ['How many devices can I sync on the free plan?'],
  },
  {
    q: 'How do I install the desktop app?',
    para: ['How can I install the desktop app?', 'How do I install the Skybox desktop app?'],
    repeats: 1,
  },
  {
    q: 'How do I stop the app from starting at login?',
    para: ['How can I stop the app from starting at login?', 'How do I prevent the app from starting at login?'],
    repeats: 0,
  },
  {
    q: 'What happens to my files if my subscription expires?',
    para: [
      'What happens to my files when my subscription expires?',
      'What happens to my files if my subscription ends?',
    ],
    repeats: 1,
  },
  {
    q: 'How do I contact a human agent?',
    para: ['How can I contact a human agent?', 'How do I talk to a human agent?'],
    repeats: 2,
  },
  {
    q: 'Is there a limit of 5 shared links per file?',
    para: ['Is there a limit of 5 shared links for each file?'],
    repeats: 0,
    traps: ['Is there a limit of 50 shared links per file?'],
  },
  {
    q: 'How do I export all my data?',
    para: ['How can I export all my data?', 'How do I export all of my data?'],
    repeats: 1,
  },
];

module.exports = { QUESTIONS };
