package io.herald.bench;

import io.netty.bootstrap.ServerBootstrap;
import io.netty.buffer.ByteBuf;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.channel.nio.NioEventLoopGroup;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpObjectAggregator;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpServerCodec;
import io.netty.handler.codec.http.HttpVersion;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.TimeUnit;

/**
 * The webhook receiver of the benchmark: Netty on loopback, cheap enough not to be what is measured. Paths say how
 * to answer: {@code /ok/...} 204, {@code /fail/...} 503, {@code /hole/...} never (the connection stays open), each
 * after the receiver's delay (0 for an instant receiver, 50 ms for a realistic one). Every {@code /ok} request is
 * counted with its latency from the event's {@code timestamp} in the body to its arrival here.
 */
final class BenchReceiver implements AutoCloseable {

    private static final byte[] TIMESTAMP = "\"timestamp\":\"".getBytes(StandardCharsets.US_ASCII);

    private final EventLoopGroup group;
    private final Channel channel;
    private volatile Duration delay = Duration.ZERO;
    private volatile LatencyRecorder recorder = new LatencyRecorder();
    private volatile Arrivals arrivals = (deliveryId, arrivedMillis, latencyMillis) -> { };

    /** Told of every {@code /ok} request: its {@code webhook-id} header, when it came, and its latency. */
    interface Arrivals {
        void arrived(String deliveryId, long arrivedMillis, long latencyMillis);
    }

    private BenchReceiver(EventLoopGroup group, Channel channel) {
        this.group = group;
        this.channel = channel;
    }

    static BenchReceiver start() throws InterruptedException {
        EventLoopGroup group = new NioEventLoopGroup(1); // one thread: the receiver must stay out of the way
        BenchReceiver[] self = new BenchReceiver[1];
        Channel channel = new ServerBootstrap().group(group).channel(NioServerSocketChannel.class)
                .childHandler(new ChannelInitializer<SocketChannel>() {
                    @Override
                    protected void initChannel(SocketChannel ch) {
                        ch.pipeline().addLast(new HttpServerCodec(), new HttpObjectAggregator(1 << 20),
                                new SimpleChannelInboundHandler<FullHttpRequest>() {
                                    @Override
                                    protected void channelRead0(ChannelHandlerContext ctx, FullHttpRequest request) {
                                        self[0].handle(ctx, request);
                                    }
                                });
                    }
                })
                .bind(new InetSocketAddress("127.0.0.1", 0)).sync().channel();
        self[0] = new BenchReceiver(group, channel);
        return self[0];
    }

    String url(String path) {
        return "http://127.0.0.1:" + ((InetSocketAddress) channel.localAddress()).getPort() + path;
    }

    /** Answers after {@code delay} from now on. */
    void delay(Duration delay) {
        this.delay = delay;
    }

    /** Tells {@code arrivals} of every {@code /ok} request from now on. */
    void observe(Arrivals arrivals) {
        this.arrivals = arrivals;
    }

    /** Starts counting afresh; returns the recorder of this measurement. */
    LatencyRecorder reset() {
        recorder = new LatencyRecorder();
        return recorder;
    }

    private void handle(ChannelHandlerContext ctx, FullHttpRequest request) {
        long arrived = System.currentTimeMillis();
        String uri = request.uri();
        if (uri.startsWith("/hole/")) {
            return; // accepted, never answered
        }
        HttpResponseStatus status = HttpResponseStatus.NO_CONTENT;
        if (uri.startsWith("/ok/")) {
            long eventTime = eventTime(request.content());
            long latency = eventTime < 0 ? -1 : arrived - eventTime;
            recorder.record(latency);
            arrivals.arrived(request.headers().get(io.herald.signatures.WebhookHeaders.ID), arrived, latency);
        } else {
            status = HttpResponseStatus.SERVICE_UNAVAILABLE;
        }
        DefaultFullHttpResponse response = new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, status);
        response.headers().set(HttpHeaderNames.CONTENT_LENGTH, 0);
        long delayMs = delay.toMillis();
        if (delayMs == 0) {
            ctx.writeAndFlush(response);
        } else {
            ctx.executor().schedule(() -> ctx.writeAndFlush(response), delayMs, TimeUnit.MILLISECONDS);
        }
    }

    /** Epoch millis of the body's first "timestamp", or -1. */
    private static long eventTime(ByteBuf body) {
        int start = indexOf(body, TIMESTAMP);
        if (start < 0) {
            return -1;
        }
        int from = start + TIMESTAMP.length;
        int end = body.indexOf(from, body.writerIndex(), (byte) '"');
        try {
            return Instant.parse(body.toString(from, end - from, StandardCharsets.US_ASCII)).toEpochMilli();
        } catch (RuntimeException e) {
            return -1;
        }
    }

    private static int indexOf(ByteBuf body, byte[] needle) {
        int last = body.writerIndex() - needle.length;
        outer:
        for (int i = body.readerIndex(); i <= last; i++) {
            for (int j = 0; j < needle.length; j++) {
                if (body.getByte(i + j) != needle[j]) {
                    continue outer;
                }
            }
            return i;
        }
        return -1;
    }

    @Override
    public void close() {
        channel.close().syncUninterruptibly();
        group.shutdownGracefully(0, 1, TimeUnit.SECONDS).syncUninterruptibly();
    }
}
