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

// A translated sentence with names in place of its "$0", "$1", ..., e.g.
// <NameSentence template={_("Force off $0?")} names={[name]} />.
export function NameSentence({ template, names }: { template: string; names: readonly string[] }) {
    return (
        <>
            {template.split(/(\$\d)/).map((piece, index) => {
                const name = /^\$\d$/.test(piece) ? names[Number(piece.slice(1))] : undefined;
                return name === undefined ? piece : <DisplayName key={index} name={name} />;
            })}
        </>
    );
}
