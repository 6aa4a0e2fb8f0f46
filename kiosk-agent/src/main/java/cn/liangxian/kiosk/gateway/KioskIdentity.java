package cn.liangxian.kiosk.gateway;

import java.io.IOException;
import java.io.Reader;
import java.io.StringWriter;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.PrivateKey;
import java.security.Provider;
import java.security.PublicKey;
import java.security.spec.ECGenParameterSpec;
import org.bouncycastle.jce.provider.BouncyCastleProvider;
import org.bouncycastle.openssl.PEMParser;
import org.bouncycastle.openssl.jcajce.JcaPEMKeyConverter;
import org.bouncycastle.openssl.jcajce.JcaPEMWriter;
import org.bouncycastle.openssl.jcajce.JcaPKCS8Generator;
import org.bouncycastle.asn1.pkcs.PrivateKeyInfo;
import org.bouncycastle.asn1.x509.SubjectPublicKeyInfo;

/** This kiosk's id and ECDSA P-256 key pair, kept as PEM files (PKCS#8 private key, SPKI public key). */
public record KioskIdentity(String kioskId, KeyPair keys) {

  static final Provider BC = new BouncyCastleProvider();

  public static KeyPair generate() {
    try {
      KeyPairGenerator g = KeyPairGenerator.getInstance("EC", BC);
      g.initialize(new ECGenParameterSpec("secp256r1"));
      return g.generateKeyPair();
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException(e);
    }
  }

  /** Loads {@code kiosk-key.pem} and {@code kiosk-pub.pem} from the directory, creating them on first start. */
  public static KioskIdentity loadOrCreate(String kioskId, Path dir) throws IOException {
    Path priv = dir.resolve("kiosk-key.pem");
    Path pub = dir.resolve("kiosk-pub.pem");
    if (!Files.exists(priv)) {
      Files.createDirectories(dir);
      KeyPair kp = generate();
      // the public half first, so that a private key on the disk always has its public half beside it; each file is
      // written beside its place and then moved there, whole, the private one readable by the agent's user only
      inPlace(pub, pem(kp.getPublic()), false);
      inPlace(priv, pem(kp.getPrivate()), true);
      return new KioskIdentity(kioskId, kp);
    }
    JcaPEMKeyConverter conv = new JcaPEMKeyConverter().setProvider(BC);
    try (Reader r = Files.newBufferedReader(priv); PEMParser p = new PEMParser(r);
         Reader r2 = Files.newBufferedReader(pub); PEMParser p2 = new PEMParser(r2)) {
      PrivateKey k = conv.getPrivateKey((PrivateKeyInfo) p.readObject());
      PublicKey pk = conv.getPublicKey((SubjectPublicKeyInfo) p2.readObject());
      return new KioskIdentity(kioskId, new KeyPair(pk, k));
    }
  }

  /** Writes a key file beside its place, on the disk, then moves it there: a crash leaves the old file or the new whole. */
  private static void inPlace(Path file, String pem, boolean ownerOnly) throws IOException {
    Path tmp;
    try {
      tmp = ownerOnly ? Files.createTempFile(file.getParent(), ".kiosk-key", ".tmp",
          PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")))
          : Files.createTempFile(file.getParent(), ".kiosk-pub", ".tmp");
    } catch (UnsupportedOperationException notPosix) {
      tmp = Files.createTempFile(file.getParent(), ".kiosk", ".tmp");
    }
    try {
      try (java.nio.channels.FileChannel ch = java.nio.channels.FileChannel.open(tmp, java.nio.file.StandardOpenOption.WRITE)) {
        ch.write(java.nio.ByteBuffer.wrap(pem.getBytes(StandardCharsets.US_ASCII)));
        ch.force(true);
      }
      Files.move(tmp, file, java.nio.file.StandardCopyOption.REPLACE_EXISTING, java.nio.file.StandardCopyOption.ATOMIC_MOVE);
    } finally {
      Files.deleteIfExists(tmp);
    }
  }

  public String publicKeyPem() {
    return pem(keys.getPublic());
  }

  static String pem(Object key) {
    StringWriter s = new StringWriter();
    try (Writer w = s; JcaPEMWriter p = new JcaPEMWriter(w)) {
      if (key instanceof PrivateKey k) {
        p.writeObject(new JcaPKCS8Generator(k, null)); // PKCS#8, not OpenSSL's SEC1 "EC PRIVATE KEY"
      } else {
        p.writeObject(key);
      }
    } catch (IOException e) {
      throw new IllegalStateException(e);
    }
    return s.toString();
  }

  @Override
  public String toString() {
    return "KioskIdentity[" + kioskId + "]";
  }
}
