// A name as displayNameParts shows it: invisible and direction-changing characters as highlighted markers.
// `truncate`: one line cut with an ellipsis, the whole name (with markers) on hover.
import { displayNameParts, displayNameText } from "../core/display-name";

export function DisplayName({ name, truncate = false }: { name: string; truncate?: boolean }) {
    return (
        // <bdi> keeps a right-to-left name from reordering the text around it; the markers keep it from hiding anything.
        <bdi className={truncate ? "kvm-name kvm-name-truncate" : "kvm-name"} title={truncate ? displayNameText(name) : undefined}>
            {displayNameParts(name).map((part, index) => part.escaped
                ? <mark key={index} className="kvm-name-marker">{part.text}</mark>
                : <span key={index}>{part.text}</span>)}
        </bdi>
    );
}

// A translated sentence with the name in place of its "$0", e.g. NameSentence(_("Force off $0?"), name).
export function NameSentence({ template, name }: { template: string; name: string }) {
    const [before, ...after] = template.split("$0");
    return <>{before}{after.length > 0 && <DisplayName name={name} />}{after.join("$0")}</>;
}
