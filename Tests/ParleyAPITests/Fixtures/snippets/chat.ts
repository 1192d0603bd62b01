import OpenAI from "openai";

const client = new OpenAI({ baseURL: "http://127.0.0.1:8077/v1", apiKey: process.env["PARLEY_API_KEY"] });

const response = await client.chat.completions.create({
  "model": "SmolLM2-135M-Instruct",
  "messages": [
    { "role": "system", "content": "You are a helpful assistant." },
    { "role": "user", "content": "What's the capital of France?" }
  ],
  "temperature": 0
});
console.log(response.choices[0].message.content);

// Streamed: add stream: true, then
// for await (const chunk of response) process.stdout.write(chunk.choices[0]?.delta?.content ?? "");
