// The mixer arrives with co-production (issue 4); the post page loads it only where present.
export {};
