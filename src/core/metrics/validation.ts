// The result of checking a configuration document: the value with defaults filled in, or one message
// per problem, tied to the field a form would show it under.
export interface ValidationError {
    // null: the document as a whole (not an object, an unknown key).
    field: string | null;
    message: string;
}

export type ValidationResult<T> = { ok: true; value: T } | { ok: false; errors: ValidationError[] };
