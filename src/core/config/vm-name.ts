// A VM name inside a configuration document. libvirt refuses newlines and escape characters in names
// and takes any other text, RTL marks too.
import { z } from "zod";

export const vmNameSchema = z.string().min(1).max(1024).refine(name => !Array.from(name).some(c => c < " " || c === "\u007f"), {
    message: "a VM name cannot contain control characters",
});
