/**
 * The static plugin registry, for platforms where `plugins/` cannot be listed at run time.
 * `discover_test.ts` fails when a plugin file is missing here, so keep it in step.
 */
import anthropic from "./anthropic.ts";
import azure from "./azure.ts";
import dashscope from "./dashscope.ts";
import deepseek from "./deepseek.ts";
import echo from "./echo.ts";
import gemini from "./gemini.ts";
import moonshot from "./moonshot.ts";
import ollama from "./ollama.ts";
import openai from "./openai.ts";
import vllm from "./vllm.ts";
import zhipu from "./zhipu.ts";

export const plugins = {
  anthropic,
  azure,
  dashscope,
  deepseek,
  echo,
  gemini,
  moonshot,
  ollama,
  openai,
  vllm,
  zhipu,
};
