export declare const WATCHED: string[];
export declare function newestMtime(dirs: string[]): number;
export declare const isFresh: (stamp: number | undefined, newest: number) => boolean;
export declare function distIsFresh(root: string): boolean;
