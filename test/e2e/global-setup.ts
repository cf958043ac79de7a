// The e2e project's jest globalSetup: removes the test VMs that a crashed or interrupted run left behind,
// so no test sees another run's VMs.
import { removeAllTestVms } from "../support/virsh";

export default async function globalSetup(): Promise<void> {
    await removeAllTestVms();
}
