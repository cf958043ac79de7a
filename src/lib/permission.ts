// Whether the user has administrative access in this Cockpit session ("Administrative access" in the
// shell's top bar). null while Cockpit has not answered yet.
import { useEffect, useState } from "react";
import cockpit from "./cockpit";

export function useAdminAccess(): boolean | null {
    const [allowed, setAllowed] = useState<boolean | null>(null);
    useEffect(() => {
        const permission = cockpit.permission({ admin: true });
        const update = (): void => setAllowed(permission.allowed);
        permission.addEventListener("changed", update);
        update();
        return () => {
            permission.removeEventListener("changed", update);
            permission.close();
        };
    }, []);
    return allowed;
}
