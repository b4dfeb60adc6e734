package dev.mqttls.admin.internal.http;

/**
 * Answers the requests of one {@link HttpRoute}. Called on the connection's event loop: a handler
 * must not block; long-lived answers (Server-Sent Events, WebSocket) keep {@link
 * AdminRequest#channel()} and write to it later from any thread.
 */
@FunctionalInterface
public interface HttpHandler {
  /**
   * Answers {@code request}, by one of its {@code respond} methods or by writing to its channel.
   * The request's buffers are released after this returns: copy what must outlive the call.
   */
  void handle(AdminRequest request) throws Exception;
}
