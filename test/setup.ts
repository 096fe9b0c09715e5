import fc from "fast-check";
import { runs } from "./runs.js";

// Properties that name no count of their own run fast-check's default 100, scaled by DSNET_SOAK.
fc.configureGlobal({ numRuns: runs(100) });
