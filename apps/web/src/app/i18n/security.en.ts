/** English texts of recovery codes and authenticator resets (spread into en.ts). */
export const securityEn = {
  'nav.security': 'Sign-in security',
  'error.invalid_recovery_code': 'This recovery code is not correct or was already used.',

  'recovery.title': 'Save your recovery codes',
  'recovery.explain':
    'Lost your phone? Each of these codes signs you in once instead of a code from the app. Keep them somewhere safe, apart from your phone (a password manager, or printed). They are shown only now.',
  'recovery.listLabel': 'Recovery codes',
  'recovery.copy': 'Copy codes',
  'recovery.copied': 'Copied',
  'recovery.download': 'Download (.txt)',
  'recovery.fileHeader': 'Calmdesk recovery codes for {email}. Each code works once.',
  'recovery.saved': 'I have saved these codes',
  'recovery.continue': 'Continue',

  'verify.useRecovery': 'Use a recovery code',
  'verify.useApp': 'Use a code from the app',
  'verify.recoveryTitle': 'Enter a recovery code',
  'verify.recoveryExplain': 'Lost your phone? Enter one of the recovery codes you saved when you set up the app. Each code works once.',
  'verify.recoveryLabel': 'Recovery code',
  'verify.recoveryUsedTitle': 'You signed in with a recovery code',
  'verify.recoveryUsed':
    '{n} recovery codes left. Lost your authenticator app? Set up a new one under Sign-in security now, and make new recovery codes there.',

  'security.title': 'Sign-in security',
  'security.explain': 'Your second factor: the authenticator app and the recovery codes for when you lose it.',
  'security.codesTitle': 'Recovery codes',
  'security.remaining': '{n} of 10 recovery codes left.',
  'security.noCodes': 'You have no recovery codes. Make a set now, so a lost phone does not lock you out.',
  'security.fewCodes': 'Only a few codes left: make a new set.',
  'security.regenerate': 'Make new recovery codes',
  'security.regenerateQuestion': 'Make a new set of recovery codes? The codes you have now stop working.',
  'security.regenerated': 'New recovery codes made. The old ones no longer work.',
  'security.lostPhone':
    'Lost your phone and your recovery codes? Ask an owner of your practice to reset your authenticator: at your next sign-in you set up the app again.',
  'security.appTitle': 'Authenticator app',
  'security.appExplain':
    'A new phone, or a lost one? Set up the app again: the old app stops working once the new one shows a code. Lost the old phone? Sign in with a recovery code first.',
  'security.replace': 'Set up a new authenticator app',
  'security.replaced': 'The new authenticator app is set up. The old one no longer works.',

  'staff.resetSecondFactor': 'Reset authenticator',
  'staff.resetTitle': 'Reset the authenticator of {name}?',
  'staff.resetExplain':
    '{name} lost their authenticator app? Resetting removes the app and the recovery codes from their account and signs them out everywhere. At their next sign-in, with their own password, they set up an authenticator app again. They get an e-mail that you did this, and it is recorded in the access log.',
  'staff.resetCheck': 'Only reset after checking in person or by phone that {name} asked for it.',
  'staff.resetConfirm': 'Reset authenticator',
  'staff.resetDone': 'The authenticator of {name} was reset. They set up a new one at their next sign-in.',
};
