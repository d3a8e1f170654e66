package dev.t5j.serve;

import io.javalin.http.Context;
import org.eclipse.jetty.ee10.servlet.ServletContextRequest;
import org.eclipse.jetty.io.EndPoint;
import org.eclipse.jetty.util.BufferUtil;

import java.io.IOException;
import java.nio.ByteBuffer;

/**
 * Whether the client of a request still waits for its answer. Once the body is read, Jetty 12 does not read the
 * connection again until the response is sent, so a client that hangs up goes unnoticed (no failure listener fires;
 * T5jServerTest.nonStreamingClientsThatHangUpAreCancelled). A non-blocking read of the idle connection tells: end of
 * stream means the client closed it. A byte read instead is the start of a pipelined request, which cannot be put
 * back: the connection is then closed after this response and no further checks are made.
 */
final class ClientConnection {
    private final Context ctx;
    private final EndPoint endPoint;
    private boolean pipelined;

    ClientConnection(Context ctx) {
        this.ctx = ctx;
        ServletContextRequest r = ServletContextRequest.getServletContextRequest(ctx.req());
        this.endPoint = r == null ? null : r.getConnectionMetaData().getConnection().getEndPoint();
    }

    /** True once the client has closed the connection (checks are cheap: one non-blocking read). */
    boolean gone() {
        if (endPoint == null || pipelined) return false;
        if (!endPoint.isOpen() || endPoint.isInputShutdown()) return true;
        if (endPoint.isFillInterested()) return false; // Jetty is reading it itself
        try {
            ByteBuffer b = BufferUtil.allocate(1);
            int n = endPoint.fill(b);
            if (n > 0) {
                pipelined = true;
                ctx.header("Connection", "close");
            }
            return n < 0;
        } catch (IOException e) {
            return true;
        }
    }
}
