// At most `limit` jobs running at once, the rest waiting in order: the page's D-Bus calls share one bus
// connection, and dbus-daemon refuses a call beyond its pending replies per connection (128 on the
// system bus) with "The maximum number of pending replies per connection has been reached".

export interface Limiter {
    run<T>(job: () => Promise<T>): Promise<T>;
}

export function createLimiter(limit: number): Limiter {
    let running = 0;
    const waiting: (() => void)[] = [];
    const release = (): void => {
        const next = waiting.shift();
        if (next) next();
        else running--;
    };
    return {
        async run<T>(job: () => Promise<T>): Promise<T> {
            if (running < Math.max(1, limit)) running++;
            // The slot is handed over by release(): `running` stays counted for the waiter.
            else await new Promise<void>(resolve => waiting.push(resolve));
            try {
                return await job();
            } finally {
                release();
            }
        },
    };
}
