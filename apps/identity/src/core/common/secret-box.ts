// The sealing lives in libs/core (the mailer opens the SMTP password identity seals).
export { openString, SEAL_PURPOSES, type SealedSecret, type SealPurpose, sealString } from '@app/core';
