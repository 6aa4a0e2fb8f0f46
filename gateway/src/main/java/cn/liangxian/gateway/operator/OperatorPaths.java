package cn.liangxian.gateway.operator;

import cn.liangxian.gateway.http.Problem;
import cn.liangxian.gateway.lookup.Regions;
import cn.liangxian.policy.Insurance;
import io.vertx.ext.web.RoutingContext;

/** The region and insurance an operator route names in its path: 404 for a region not served, 400 for no insurance. */
public final class OperatorPaths {
  private OperatorPaths() {}

  public static Regions.Entry region(RoutingContext ctx, Regions regions) {
    String region = ctx.pathParam("region");
    return regions.get(region).orElseThrow(() -> Problem.notFound("region-not-served", "Region not served", "no region " + region));
  }

  public static Insurance insurance(RoutingContext ctx) {
    return Insurance.ofCode(ctx.pathParam("insurance"))
        .orElseThrow(() -> Problem.invalidField("insurance", "insurance must be medical or pension"));
  }
}
