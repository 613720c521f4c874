/** Models: each model, the channels that serve it (in priority order) and its price on each. */
import type { FC } from "hono/jsx";
import { type PageContext, Shell } from "../components/layout.tsx";
import { TableBox } from "../components/ui.tsx";
import type { ModelsView } from "../data/models.ts";

export const ModelsPage: FC<{ ctx: PageContext; view: ModelsView }> = ({ ctx, view }) => {
  const { loc } = ctx;
  const price = (v: number | undefined) => v === undefined ? "–" : `$${loc.num(v, 4)}`;
  return (
    <Shell ctx={ctx} title={loc.t("models.title")} page="models">
      <TableBox label={loc.t("models.title")}>
        <table class="models">
          <thead>
            <tr>
              <th scope="col">{loc.t("models.model")}</th>
              <th scope="col">{loc.t("models.channel")}</th>
              <th scope="col">{loc.t("models.upstream")}</th>
              <th scope="col">{loc.t("models.price_in")}</th>
              <th scope="col">{loc.t("models.price_out")}</th>
              <th scope="col">{loc.t("models.price_cached")}</th>
            </tr>
          </thead>
          <tbody>
            {view.models.length === 0 && (
              <tr>
                <td colspan={6} class="muted">{loc.t("common.none")}</td>
              </tr>
            )}
            {view.models.flatMap((row) =>
              row.servedBy.map((s, i) => (
                <tr class={i === 0 ? "first" : "more"}>
                  {i === 0
                    ? (
                      <th scope="rowgroup" rowspan={row.servedBy.length}>
                        <code>{row.model}</code>
                      </th>
                    )
                    : null}
                  <td>{s.channel}</td>
                  <td>
                    <code>{s.upstream}</code>
                  </td>
                  <td class="num">{price(s.price?.input)}</td>
                  <td class="num">{price(s.price?.output)}</td>
                  <td class="num">{price(s.price?.cached_input)}</td>
                </tr>
              ))
            )}
          </tbody>
        </table>
      </TableBox>
      {view.anyModel.length > 0 && (
        <p>
          <strong>{loc.t("models.any")}:</strong> {view.anyModel.join(", ")}
        </p>
      )}
      {view.unknown.length > 0 && (
        <p>
          <strong>{loc.t("models.unknown")}:</strong> {view.unknown.join(", ")}
        </p>
      )}
      {view.aliases.length > 0 && (
        <section aria-labelledby="aliases-title">
          <h2 id="aliases-title">{loc.t("models.aliases")}</h2>
          <TableBox label={loc.t("models.aliases")}>
            <table>
              <thead>
                <tr>
                  <th scope="col">{loc.t("models.model")}</th>
                  <th scope="col">{loc.t("models.alias_to")}</th>
                </tr>
              </thead>
              <tbody>
                {view.aliases.map(([from, to]) => (
                  <tr>
                    <th scope="row">
                      <code>{from}</code>
                    </th>
                    <td>
                      <code>{to}</code>
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
          </TableBox>
        </section>
      )}
    </Shell>
  );
};
