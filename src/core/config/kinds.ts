// Every kind of configuration document, by its directory under /etc/kvm-manager: what the generic
// lister (kvm-manager-config --list KIND) accepts. A new kind adds one line here.
import { ALERT_RULE_KIND } from "../alerts/alert-rule";
import { BACKUP_JOB_KIND } from "../backup/backup-job";
import { SCHEDULE_KIND } from "../schedule/schedule-document";
import { TEMPLATE_KIND } from "../template/template-document";
import type { DocumentKind } from "./documents";

export const DOCUMENT_KINDS: Readonly<Record<string, DocumentKind<unknown>>> = {
    [SCHEDULE_KIND.directory]: SCHEDULE_KIND as DocumentKind<unknown>,
    [TEMPLATE_KIND.directory]: TEMPLATE_KIND as DocumentKind<unknown>,
    [BACKUP_JOB_KIND.directory]: BACKUP_JOB_KIND as DocumentKind<unknown>,
    [ALERT_RULE_KIND.directory]: ALERT_RULE_KIND as DocumentKind<unknown>,
};

export function documentKindNamed(directory: string): DocumentKind<unknown> | null {
    return Object.prototype.hasOwnProperty.call(DOCUMENT_KINDS, directory) ? DOCUMENT_KINDS[directory] : null;
}
