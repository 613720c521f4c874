/**
 * The static plugin registry, for platforms where `plugins/` cannot be listed at run time.
 * `discover_test.ts` fails when a plugin file is missing here, so keep it in step.
 */
import echo from "./echo.ts";
import openai from "./openai.ts";

export const plugins = { echo, openai };
